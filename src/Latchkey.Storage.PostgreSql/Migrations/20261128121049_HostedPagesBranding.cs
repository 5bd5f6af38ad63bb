using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Latchkey.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class HostedPagesBranding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Branding_DisplayName",
                table: "sites",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Branding_Language",
                table: "sites",
                type: "character varying(8)",
                maxLength: 8,
                nullable: false,
                defaultValue: "en");

            migrationBuilder.AddColumn<string>(
                name: "Branding_LogoUrl",
                table: "sites",
                type: "character varying(16384)",
                maxLength: 16384,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Branding_OfferMfaEnrolment",
                table: "sites",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Branding_PrimaryColor",
                table: "sites",
                type: "character varying(7)",
                maxLength: 7,
                nullable: false,
                defaultValue: "#1d4ed8");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Branding_DisplayName",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Branding_Language",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Branding_LogoUrl",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Branding_OfferMfaEnrolment",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Branding_PrimaryColor",
                table: "sites");
        }
    }
}
